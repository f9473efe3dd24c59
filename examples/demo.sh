#!/usr/bin/env bash
# Build a demo database through the command line itself, then print the main report.
# Run by `make demo`; the database is demo/reception.db (recreated every time).
set -euo pipefail
cd "$(dirname "$0")/.."

export RECEPTIONCTL_DB="$PWD/demo/reception.db"
export RECEPTIONCTL_TZ="${RECEPTIONCTL_TZ:-Asia/Shanghai}"
export RECEPTIONCTL_USER=admin
unset RECEPTIONCTL_KEY
rm -rf demo && mkdir -p demo

q() { receptionctl "$@" >/dev/null; }
# RECEPTIONCTL_NOW may pin the demo's clock (for a reproducible run)

receptionctl init
# People: the leadership approves, customer service coordinates, hosts receive.
q staff add gm        --name "Zhou Min"   --dept "Leadership group"  --role approver
q staff add li.na     --name "Li Na"      --dept "Customer service"  --role coordinator --role host
q staff add wang.lei  --name "Wang Lei"   --dept "Business"          --role host
q staff add chen.jie  --name "Chen Jie"   --dept "Technical"         --role host --role staff
q staff add zhao.yun  --name "Zhao Yun"   --dept "Logistics"         --role staff
q staff add sun.li    --name "Sun Li"     --dept "Front desk"        --role desk
q staff add guo.qiang --name "Guo Qiang"  --dept "Security"          --role security

# Clients and their contact people.
q client add "Huaxin Precision Machinery" --tier vip    --industry "Manufacturing"
q client add "Blue Harbor Logistics"      --tier key    --industry "Logistics"
q client add "Greenfield Foods"           --tier normal --industry "Food processing"
q contact add "Huaxin Precision Machinery" "Liu Yang" --title "General manager" --phone "+86 138 0013 8000" \
    --email liu.yang@huaxin.example --diet "no pork" --transport "pick-up at Hongqiao station" \
    --id-number 310101198001011234
q contact add "Huaxin Precision Machinery" "Ma Jun" --title "Chief engineer" --phone "+86 139 0013 9000" --diet vegetarian
q contact add "Blue Harbor Logistics" "Anna Schmidt" --title "Procurement director" --email a.schmidt@blueharbor.example \
    --needs "English-speaking guide" --id-number C12345678DE
q contact add "Greenfield Foods" "He Ping" --title "Buyer" --phone "021-5555-0101"

# Visits, relative to today so that the demo always looks ahead.
v() { receptionctl --as li.na visit new --json "$@" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
tour=$(v --client "Huaxin Precision Machinery" --at "+5wd 09:30" --hours 4 --purpose tour --headcount 6 --level 1 \
        --venue "Showroom" --host li.na)
talk=$(v --client "Blue Harbor Logistics" --at "+4wd 10:00" --hours 2 --purpose talk --headcount 3 --venue "Room 301" \
        --host wang.lei)
tech=$(v --client "Greenfield Foods" --at "tomorrow 14:00" --hours 2 --purpose tech --headcount 2 \
        --venue "Room 301" --host chen.jie 2>/dev/null)
fair=$(v --client "Blue Harbor Logistics" --at "+8wd 09:00" --hours 6 --purpose signing --headcount 4 --offsite \
        --venue "Expo Centre, hall 2")

# The level-1 tour: a full plan, submitted and approved.
q --as li.na plan assign "$tour" --role host --staff li.na --backup wang.lei
q --as li.na plan assign "$tour" --role guide --staff chen.jie --backup zhao.yun
q --as li.na plan assign "$tour" --role security --staff guo.qiang
q --as li.na plan assign "$tour" --role greeter --staff sun.li
q --as li.na plan item "$tour" --at "+5wd 09:30" --until "+5wd 10:00" --title "Welcome at the gate, introductions" --place "Main gate" --owner li.na
q --as li.na plan item "$tour" --at "+5wd 10:00" --until "+5wd 11:30" --title "Production line tour" --place "Workshop 2" --owner chen.jie
q --as li.na plan set "$tour" --budget 12000 --per-person 180 --catering "Lunch in the guest dining room" \
    --lodging "Two nights, Jinjiang Hotel" --transport "Pick-up at Hongqiao station" --nda
q --as li.na plan submit "$tour"
q --as gm plan approve "$tour" --note "Approved; keep the route clear"

# The talk: approved, then changed, so it needs approval again.
q --as li.na plan item "$talk" --at "+4wd 10:00" --title "Needs discussion" --place "Room 301" --owner wang.lei
q --as li.na plan submit "$talk"
q --as gm plan approve "$talk"
q --as li.na plan set "$talk" --per-person 120 --catering "Working lunch" 2>/dev/null

# The technical exchange tomorrow: short notice, and it shares a person with nothing yet.
q --as li.na plan item "$tech" --at "tomorrow 14:00" --title "Process demo" --owner chen.jie
q --as li.na plan assign "$tech" --role tech --staff chen.jie --backup zhao.yun

# The fair: no host yet.
q --as li.na plan set "$fair" --transport "Company van" --lodging "One night near the expo"

echo
echo "== Visits"
receptionctl visit list
echo
echo "== Reception sheet of visit $tour"
receptionctl plan show "$tour"

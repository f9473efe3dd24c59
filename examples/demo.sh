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

echo
echo "== Clients"
receptionctl client list
echo
echo "== Huaxin Precision Machinery"
receptionctl client show "Huaxin Precision Machinery"
echo
echo "== Staff"
receptionctl staff list

#!/usr/bin/env bash
# Build a demo database through the command line itself, then print the daily report.
# Last week's receptions are recorded with the clock pinned in the past (RECEPTIONCTL_NOW),
# so that every section of the report has something to show.
# Run by `make demo`; the database is demo/reception.db (recreated every time).
set -euo pipefail
cd "$(dirname "$0")/.."

export RECEPTIONCTL_DB="$PWD/demo/reception.db"
export RECEPTIONCTL_USER=admin
unset RECEPTIONCTL_KEY
rm -rf demo && mkdir -p demo

# Most commands are queued as lines of a batch file and run together (`receptionctl batch`): the
# tool starts once for each run of lines instead of once a command. flush runs what is queued; it
# comes before anything that reads the database's answer (an id) and before the clock is moved.
BATCH="$PWD/demo/batch.txt"
: > "$BATCH"
sq() { local a r="'\\''"; for a in "$@"; do printf "'%s' " "${a//\'/$r}"; done; }
q() { printf '%s\n' "$(sq "$@")" >> "$BATCH"; }
flush() {
  if [ -s "$BATCH" ]; then
    receptionctl batch "$BATCH" >/dev/null 2>"$BATCH.log" || { cat "$BATCH.log" >&2; exit 1; }
    : > "$BATCH"
  fi
}
v() { flush; receptionctl --as li.na visit new --json "$@" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }

receptionctl init
# People: the leadership approves, customer service coordinates, hosts receive.
q staff add gm        --name "Zhou Min"   --dept "Leadership group"  --role approver
q staff add li.na     --name "Li Na"      --dept "Customer service"  --role coordinator --role host
q staff add wang.lei  --name "Wang Lei"   --dept "Business"          --role host
q staff add chen.jie  --name "Chen Jie"   --dept "Technical"         --role host --role staff
q staff add zhao.yun  --name "Zhao Yun"   --dept "Logistics"         --role staff
q staff add sun.li    --name "Sun Li"     --dept "Front desk"        --role desk
q staff add guo.qiang --name "Guo Qiang"  --dept "Security"          --role security
q staff add ma.hui    --name "Ma Hui"     --dept "Service office"    --role duty_manager
q staff add li.ming   --name "Li Ming"    --dept "Front desk"        --role desk
q staff add gao.feng  --name "Gao Feng"   --dept "Front desk"        --role desk_supervisor

# Clients and their contact people.
q client add "Huaxin Precision Machinery" --tier vip    --industry "Manufacturing" --manager li.na
q client add "Blue Harbor Logistics"      --tier key    --industry "Logistics"     --manager wang.lei
q client add "Greenfield Foods"           --tier normal --industry "Food processing"
q contact add "Huaxin Precision Machinery" "Liu Yang" --title "General manager" --phone "+86 138 0013 8000" \
    --email liu.yang@huaxin.example --diet "no pork" --transport "pick-up at Hongqiao station" \
    --id-number 310101198001011234
q contact add "Huaxin Precision Machinery" "Ma Jun" --title "Chief engineer" --phone "+86 139 0013 9000" --diet vegetarian
q contact add "Blue Harbor Logistics" "Anna Schmidt" --title "Procurement director" --email a.schmidt@blueharbor.example \
    --needs "English-speaking guide" --id-number C12345678DE
q contact add "Greenfield Foods" "He Ping" --title "Buyer" --phone "021-5555-0101"

flush
# Days relative to today, in the company's zone: D -3 -> 2026-11-22
D() { python3 -c "
import datetime as d, os, sys, zoneinfo as z
now = os.environ.get('RECEPTIONCTL_NOW')
t = (d.datetime.fromisoformat(now) if now else d.datetime.now()).astimezone(z.ZoneInfo('Asia/Shanghai')).date()
print(t + d.timedelta(days=int(sys.argv[1])))" "$1"; }
# The demo is told as of 08:00 this morning (or RECEPTIONCTL_NOW), before the day starts, so
# that every section of the report has something to show whatever the hour it is run.
export RECEPTIONCTL_NOW="${RECEPTIONCTL_NOW:-$(D 0)T08:00:00+08:00}"
# Run as someone at a given moment: at "2026-11-22T10:05" li.na checkin ...
at() { local when=$1 who=$2; shift 2; printf 'RECEPTIONCTL_NOW=%s+08:00 --as %s %s\n' "$when" "$who" "$(sq "$@")" >> "$BATCH"; }
vid() { python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
# Mark tasks of a visit done by key: done_keys WHEN WHO VISIT key...
done_keys() {
  local when=$1 who=$2 visit=$3; shift 3
  flush
  for id in $(RECEPTIONCTL_NOW="$when+08:00" receptionctl task list --visit "$visit" --json |
              python3 -c 'import json,sys; t=json.load(sys.stdin); print(" ".join(str(x["id"]) for k in sys.argv[1:] for x in t if x["key"]==k))' "$@"); do
    at "$when" "$who" task done "$id"
  done
}

# ---- last week: two receptions that took place ------------------------------------------
W="$(D -8)T09:00"
tour=$(RECEPTIONCTL_NOW="$W+08:00" receptionctl --as li.na visit new --json --client "Huaxin Precision Machinery" \
        --at "$(D -3) 10:00" --hours 4 --purpose tour --headcount 6 --level 2 --venue Showroom --host li.na 2>/dev/null | vid)
at "$W" li.na plan assign "$tour" --role host --staff li.na --backup wang.lei
at "$W" li.na plan assign "$tour" --role guide --staff chen.jie --backup zhao.yun
at "$W" li.na plan item "$tour" --at "$(D -3) 10:00" --until "$(D -3) 10:30" --title "Welcome, introductions" --place Lobby --owner li.na
at "$W" li.na plan item "$tour" --at "$(D -3) 10:30" --until "$(D -3) 12:00" --title "Production line tour" --place "Workshop 2" --owner chen.jie
at "$W" li.na plan set "$tour" --budget 9000 --per-person 150 --catering "Lunch in the guest dining room"
at "$W" li.na plan submit "$tour"
at "$W" gm plan approve "$tour"
flush
talk=$(RECEPTIONCTL_NOW="$W+08:00" receptionctl --as li.na visit new --json --client "Greenfield Foods" \
        --at "$(D -2) 14:00" --hours 2 --purpose talk --headcount 2 --venue "Room 301" --host wang.lei 2>/dev/null | vid)
at "$W" li.na plan item "$talk" --at "$(D -2) 14:00" --title "Needs discussion" --owner wang.lei
at "$W" li.na plan submit "$talk"
at "$W" gm plan approve "$talk"

at "$(D -3)T10:05" sun.li checkin "$tour" --guest "Liu Yang" --title "General manager" --id-number 310101198001011234
at "$(D -3)T10:06" sun.li checkin "$tour" --guest "Ma Jun" --title "Chief engineer"
at "$(D -3)T10:40" chen.jie incident add "$tour" --kind equipment --severity high --text "Projector in the showroom failed"
at "$(D -3)T10:44" chen.jie incident resolve 1 --text "Spare projector from room 302"
at "$(D -3)T11:00" li.na note add "$tour" --kind question --text "Lead time for 500 units?"
at "$(D -3)T11:30" li.na note add "$tour" --kind promise --text "Send the maintenance schedule with the proposal"
at "$(D -3)T14:30" li.na visit complete "$tour"
# The 24-hour callback (回访) is a step of its own; the feedback form comes in beside it.
at "$(D -2)T10:00" li.na visit callback "$tour" --note "Mr Liu: well organised; expects the proposal this week" --satisfied
at "$(D -2)T10:00" li.na feedback add "$tour" --score 95 --channel form --intent high --comment "Well organised"
at "$(D -2)T10:00" li.na outcome "$tour" intent --note "Framework agreement under discussion"

at "$(D -2)T14:05" sun.li checkin "$talk" --guest "He Ping" --title Buyer
at "$(D -2)T14:20" sun.li incident add "$talk" --kind safety --severity critical --text "Wet floor in the lobby, a guest slipped"
at "$(D -2)T16:30" li.na visit complete "$talk"
at "$(D -1)T11:00" wang.lei feedback add "$talk" --score 45 --channel form --comment "Nobody met us at the gate"

# ---- complaints and service cases --------------------------------------------------------
# A complaint about last week's tour goes round the whole loop, from the front desk to closed.
flush
proj=$(RECEPTIONCTL_NOW="$(D -3)T12:10+08:00" receptionctl --as sun.li case add --json --kind complaint --source visit \
        --visit "$tour" --category facility --severity medium \
        --text "The projector failed and the demonstration lost twenty minutes" | vid)
at "$(D -3)T12:15" sun.li case ack "$proj" --note "Apologised to Mr Liu; told him the host will call back"
at "$(D -3)T12:30" li.na case assign "$proj" --to chen.jie
at "$(D -3)T16:00" chen.jie case resolve "$proj" --cause "The showroom projector's lamp had passed its hours" \
    --action "Lamp replaced; spare projector kept in the showroom" --prevention "Lamp hours checked every Monday"
at "$(D -2)T09:30" li.na case callback "$proj" --note "Mr Liu thanked us; no harm done to the framework talks" --satisfied
at "$(D -2)T17:30" ma.hui case review "$proj" --note "Root cause found; the Monday check goes on the duty roster"
at "$(D -2)T17:35" ma.hui case close "$proj"
at "$(D -2)T17:40" ma.hui case day-check --note "one complaint, closed"
# Greenfield's form under the red line opened a complaint case: an answer is promised them.
flush
red=$(receptionctl --as ma.hui case list --json --client Greenfield --open | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
at "$(D -1)T11:10" wang.lei case ack "$red" --note "Called Mr He: apologised, promised an answer by tomorrow noon"
at "$(D -1)T11:20" li.na case assign "$red" --to wang.lei --due "$(D 0) 17:00"
at "$(D -1)T11:30" wang.lei case escalate "$red" --to gm --question "Offer Greenfield a free tasting visit?" \
    --answer-by "$(D 0) 12:00"
at "$(D -1)T11:35" wang.lei log add "Promised Mr He an answer about a tasting visit by noon" --case "$red"
# A repair the front desk took this morning and has not acknowledged yet.
at "$(D 0)T07:20" sun.li case add --kind repair --source desk --category facility --severity low \
    --text "The air conditioning in Room 301 rattles"

# ---- yesterday at the front desk: two shifts, a pass, a parcel, a refused handover --------
CHECKS="--check keys=ok --check radios=ok --check badge-stock=ok --check cameras=ok --check phone=ok --check logbook=ok"
hid() { python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
at "$(D -1)T07:00" sun.li desk shift start --shift morning
at "$(D -1)T07:40" sun.li desk log "Lobby lights flicker near the lifts; told facilities" --kind repair --passed-to zhao.yun
at "$(D -1)T08:10" sun.li pass issue --name "Zhang Wei" --company "Bright Electric" --purpose "Fix the lobby lights" \
    --until "$(D -1) 17:00" --host zhao.yun --place "Lobby"
at "$(D -1)T09:05" sun.li mail receive --to wang.lei --kind parcel --from "SF Express" --tracking SF1234567890
at "$(D -1)T09:10" sun.li mail receive --to Logistics --kind newspaper --from "Jiefang Daily"
flush
ho=$(RECEPTIONCTL_NOW="$(D -1)T14:55+08:00" receptionctl --as sun.li desk handover prepare --json \
        --summary "Electrician still in the lobby on a pass; parcel for wang.lei waiting" $CHECKS | hid)
at "$(D -1)T15:00" li.ming desk shift start --shift middle
at "$(D -1)T15:02" li.ming desk handover refuse "$ho" --question "The key to the mail cabinet is not on the hook"
at "$(D -1)T15:20" gao.feng desk handover settle "$ho" --note "The key was in the supervisor's drawer; back on the hook"
at "$(D -1)T15:25" li.ming desk handover accept "$ho"
at "$(D -1)T15:30" sun.li desk shift end
flush
ho2=$(RECEPTIONCTL_NOW="$(D -1)T22:55+08:00" receptionctl --as li.ming desk handover prepare --json \
        --summary "Quiet evening; the electrician's pass was never returned" $CHECKS | hid)
at "$(D -1)T23:00" guo.qiang desk shift start --shift night
at "$(D -1)T23:05" guo.qiang desk handover refuse "$ho2" --question "Radio 3 is missing from the charger"
# and this morning, before the day starts, a guest walks in unannounced
at "$(D 0)T07:45" guo.qiang checkin --walk-in --client "Greenfield Foods" --host wang.lei --guest "Zhou Bo"

# ---- today and the days ahead -----------------------------------------------------------
R="$(D -6)T09:00"
flush
today=$(RECEPTIONCTL_NOW="$R+08:00" receptionctl --as li.na visit new --json --client "Blue Harbor Logistics" \
        --at "$(D 0) 15:00" --hours 2 --purpose talk --headcount 3 --venue "Room 301" --host wang.lei 2>/dev/null | vid)
at "$R" li.na plan assign "$today" --role host --staff wang.lei --backup li.na
at "$R" li.na plan item "$today" --at "$(D 0) 15:00" --title "Contract terms" --place "Room 301" --owner wang.lei
at "$R" li.na plan submit "$today"
at "$R" gm plan approve "$today"
done_keys "$(D -1)T17:00" li.na "$today" confirm-details brief-departments draft-plan emergency-plan
done_keys "$(D -1)T17:00" gm "$today" approve-plan

big=$(v --client "Huaxin Precision Machinery" --at "+2wd 09:30" --hours 4 --purpose signing --headcount 8 --level 1 \
        --venue "Showroom" --host li.na)
q --as li.na plan assign "$big" --role host --staff li.na --backup wang.lei
q --as li.na plan assign "$big" --role security --staff guo.qiang
q --as li.na plan assign "$big" --role greeter --staff sun.li
q --as li.na plan item "$big" --at "+2wd 09:30" --until "+2wd 10:00" --title "Welcome at the gate" --place "Main gate" --owner li.na
q --as li.na plan item "$big" --at "+2wd 10:00" --until "+2wd 11:30" --title "Signing ceremony" --place Showroom --owner li.na
q --as li.na plan set "$big" --budget 20000 --per-person 200 --catering "Banquet" --nda
q --as li.na plan submit "$big"
q --as gm plan approve "$big"
q --as li.na plan set "$big" --lodging "Two nights, Jinjiang Hotel" 2>/dev/null   # changed after approval

short=$(v --client "Greenfield Foods" --at "+1wd 10:00" --hours 2 --purpose tech --headcount 2 --venue "Room 301")
tech=$(v --client "Blue Harbor Logistics" --at "+1wd 11:00" --hours 2 --purpose tech --headcount 3 \
        --venue "Room 301" --host chen.jie)
fair=$(v --client "Blue Harbor Logistics" --at "+8wd 09:00" --hours 6 --purpose other --headcount 4 --offsite fair \
        --venue "Expo Centre, hall 2" --host wang.lei)
q --as li.na plan set "$fair" --transport "Company van" --lodging "One night near the expo"

# Relationship care: Liu Yang's birthday next week, the partnership with Blue Harbor a year
# older the week after; their greeting tasks open at once (the report's care line).
q contact edit 1 --birthday "1980-$(D 6 | cut -c6-)"
q client edit "Blue Harbor Logistics" --anniversary "2016-$(D 9 | cut -c6-)"
q care generate

flush
# The web front desk (receptionctl serve): two people of the demo may sign in with this password.
DEMO_PASSWORD="reception-demo-2026"
for who in sun.li li.na; do printf '%s\n' "$DEMO_PASSWORD" | receptionctl staff password "$who" >/dev/null; done

echo
echo "== Visits"
receptionctl visit list --from "$(D -7)"
echo
echo "== Service cases"
receptionctl --as ma.hui case list
echo
echo "== The complaint that went round the loop"
receptionctl --as ma.hui case show "$proj"
echo
echo "== The front desk: yesterday's duty log and handovers, on site now"
receptionctl desk log list --date "$(D -1)"
receptionctl desk handover list --date "$(D -1)"
receptionctl onsite
echo
echo "== Daily report"
receptionctl --as ma.hui report daily
echo
echo "== The web front desk (not started by the demo)"
echo "  RECEPTIONCTL_DB=$RECEPTIONCTL_DB receptionctl serve"
echo "  then open http://127.0.0.1:8080/ and sign in as sun.li (front desk) or li.na (coordinator),"
echo "  password $DEMO_PASSWORD"

# The disaster-recovery drill: restore a backup and fail over, measured against the RPO/RTO.
source "$(dirname "$0")/lib.sh"

say 'The DR drill, as CI runs it'
step 'npm run dr:drill'

#!/usr/bin/env bash
# Guest side: runs the rig tests (every Tests/Rig/test_*.py, or the modules or module.case names given) and prints one
# `RIG-RESULT <test> PASS|FAIL <seconds>` line per test case; each module's log goes to $RIG_OUT/<test>.log.
# Exits 0 only when every module ran to its end and every case passed.
set -uo pipefail
cd "$(dirname "$0")"
bash ./modules.sh || { echo "RIG-RESULT drivers FAIL 0 (cannot load the simulated drivers)"; exit 1; }
[ -x "${AUDIOGID:-}" ] || { echo "RIG-RESULT audiogid FAIL 0 (no audiogid binary at '${AUDIOGID:-}')"; exit 1; }
modules=("$@")
[ ${#modules[@]} -gt 0 ] || modules=(test_*.py)
status=0
for module in "${modules[@]}"; do
    module=${module%.py}
    # test_gpio.long_press_does_its_action runs that one case.
    one_case=""
    case $module in *.*) one_case=${module#*.}; module=${module%%.*} ;; esac
    # A module that dies or hangs still gets its line: the harness prints one only for the cases that ran.
    RIG_CASE=$one_case timeout 600 /usr/bin/python3 -u "$module.py"
    rc=$?
    # 3: the module ran every case and printed a FAIL line for those that failed.
    if [ $rc = 3 ]; then status=1; elif [ $rc != 0 ]; then echo "RIG-RESULT $module FAIL 0 (exited with $rc)"; status=1; fi
done
exit $status

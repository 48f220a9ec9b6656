# intends: FSM-07
# kernel: debug
# what: a failed allocation on a saving arc (STOP->STOP_COPY, RUNNING->PRE_COPY, ...) returns
#   the error yet leaves the device in the arc's target state (seen only where the driver's
#   allocations can be made to fail: the debug kernel's fault injection)
/migf = mtty_save_device_data(mdev_state, new);/,/return ERR_CAST(migf);/ s/^\t\t\treturn ERR_CAST(migf);/\t\t\t{ mdev_state->state = new; return ERR_CAST(migf); }/

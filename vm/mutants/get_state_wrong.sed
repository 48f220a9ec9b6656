# intends: FSM-01
# what: GET reports RUNNING while the device is in RUNNING_P2P (mtty_get_state)
/^static int mtty_get_state/,/^}/ s/\*current_state = mdev_state->state;/*current_state = mdev_state->state == VFIO_DEVICE_STATE_RUNNING_P2P ? VFIO_DEVICE_STATE_RUNNING : mdev_state->state;/

# intends: PRE-01
# what: PRECOPY_INFO does not check the device state
/^static long mtty_precopy_ioctl/,/^}/ s/if (mdev_state->state != VFIO_DEVICE_STATE_PRE_COPY &&/if (0 \&\& mdev_state->state != VFIO_DEVICE_STATE_PRE_COPY \&\&/

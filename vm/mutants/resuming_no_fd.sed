# intends: FSM-02
# what: STOP->RESUMING opens the session but hands back no data fd
/new == VFIO_DEVICE_STATE_RESUMING) {/,/return migf->filp;/ s/return migf->filp;/return NULL;/

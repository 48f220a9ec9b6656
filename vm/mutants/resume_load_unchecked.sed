# intends: RES-03
# what: RESUMING->STOP loads whatever arrived without checking that the stream is complete
/^static int mtty_load_state/,/^}/ s/if (migf->filled_size < mtty_data_size(mdev_state)) {/if (0) {/

# conforming: a variant within the uAPI that must draw no fail and no new warn
# what: the two findings on upstream mtty fixed: a resume write that fails header
#   validation counts no byte and poisons the session (RES-04), and the end of pre-copy
#   data is ENOMSG, not 0 (PRE-03)
/^static ssize_t mtty_resume_write/,/^}/ {
	s/^\t\t\tret = -EFAULT;/\t\t\tret = -EINVAL;\n\t\t\tmigf->disabled = true;\n\t\t\tgoto out_unlock;/
}
/^static ssize_t mtty_save_read/,/^}/ s/^\tlen = min_t(size_t, migf->filled_size - \*pos, len);/\tif (*pos == migf->filled_size \&\& len \&\&\n\t    (migf->mdev_state->state == VFIO_DEVICE_STATE_PRE_COPY ||\n\t     migf->mdev_state->state == VFIO_DEVICE_STATE_PRE_COPY_P2P)) {\n\t\tret = -ENOMSG;\n\t\tgoto out_unlock;\n\t}\n&/

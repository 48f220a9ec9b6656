# intends: RES-01
# what: resume writes shorter than 8 bytes are refused with EINVAL
/^static ssize_t mtty_resume_write/,/^}/ s/^\tif (requested_length > mtty_data_size(mdev_state))/\tif (len < 8)\n\t\treturn -EINVAL;\n&/

# intends: SAVE-01
# what: the save read fails with ENOMSG at the end of the data in every state, STOP_COPY too
/^static ssize_t mtty_save_read/,/^}/ s/^\tlen = min_t(size_t, migf->filled_size - \*pos, len);/\tif (*pos == migf->filled_size \&\& len) {\n\t\tret = -ENOMSG;\n\t\tgoto out_unlock;\n\t}\n&/

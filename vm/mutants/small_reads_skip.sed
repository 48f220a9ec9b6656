# intends: SAVE-02
# what: a save read of fewer than 8 bytes advances the position one byte too far
/^static ssize_t mtty_save_read/,/^}/ s/^\t\t\*pos += len;/\t\t*pos += len + (len < 8);/

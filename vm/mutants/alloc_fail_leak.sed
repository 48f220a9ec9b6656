# intends: ROB-01
# kernel: debug
# report: kmemleak
# what: when the save file cannot be made (anon_inode_getfile fails: an allocation failed),
#   the migration file allocated just before is dropped, not freed (a leak per failure,
#   only where the driver's allocations can be made to fail)
/migf->filp = anon_inode_getfile("mtty_mig", &mtty_save_fops,/,/return ERR_PTR(rc);/ s/^\t\tkfree(migf);/\t\t;/

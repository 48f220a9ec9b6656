# intends: PRE-05
# what: PRECOPY_INFO accepts an argsz of 8 or more (checks only the argsz field itself)
/^static long mtty_precopy_ioctl/,/^}/ s/if (info.argsz < minsz)/if (info.argsz < 8)/

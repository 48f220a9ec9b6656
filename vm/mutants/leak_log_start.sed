# intends: ROB-01
# kernel: debug
# report: kmemleak
# what: DMA-logging start allocates a table for its ranges and never keeps nor frees it
#   (a leak per LOG START that succeeds)
/^static int mtty_log_start/,/^}/ s/^\treturn 0;/\tu64 *tracked = kcalloc(nnodes, 2 * sizeof(u64), GFP_KERNEL);\n\n\treturn tracked ? 0 : -ENOMEM;/

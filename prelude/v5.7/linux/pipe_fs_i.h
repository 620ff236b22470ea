/*
 * pageproof kernel model: pipe buffers for splice/tee/sendfile
 * (v5.7 include/linux/pipe_fs_i.h, fs/pipe.c, fs/splice.c).
 *
 * The 2020 thread: a page-cache page can reach a device through a pipe without
 * passing either existing arch_make_page_accessible() hook (FOLL_PIN gup,
 * writeback): splice() puts a page-cache page into a pipe (taking a reference),
 * tee() duplicates the buffer (generic_pipe_buf_get: another reference), and
 * sendfile()/splice() to a socket or block device hands the page to the device
 * after ->confirm(). Neither reference is followed by arch_make_page_accessible.
 *
 * What the posted patch did ("fs/splice: add missing callback for inaccessible
 * pages", Claudio Imbrenda, v1 2020-04-28, v2 2020-04-30): it added
 * `if (arch_make_page_accessible(page)) return -EIO;` at the top of
 * page_cache_pipe_buf_confirm() in fs/splice.c - NOT to generic_pipe_buf_get().
 * docs/protocol.md describes the hook in generic_pipe_buf_get; both placements are
 * modelled (page_cache_pipe_buf_confirm_patched and generic_pipe_buf_get_hooked)
 * and scenarios/next/ compares them.
 *
 * The kernel's ops tables (buf->ops->get/confirm/release) are replaced by direct
 * calls; the scenario says which buffer kind it uses.
 */
#ifndef _PAGEPROOF_LINUX_PIPE_FS_I_H
#define _PAGEPROOF_LINUX_PIPE_FS_I_H

#include <linux/mm.h>

struct pipe_buffer {
	struct page *page;   /* NULL: empty slot */
};

struct pipe_inode_info {
	int nrbufs;          /* unused by the model; keeps the kernel signatures */
};

/*
 * Filling a pipe buffer from the page cache: v5.7 fs/splice.c
 * generic_file_splice_read -> filemap read -> copy_page_to_iter_pipe, which does
 * get_page(page) and stores the page in the buffer; the reference the page-cache
 * lookup took (find_get_page) is dropped after the copy. Neither step makes the
 * page accessible.
 */
static inline void splice_page_to_pipe(struct pipe_buffer *buf, struct page *page)
{
	page = find_get_page(page);
	get_page(page);
	buf->page = page;
	put_page(page);
}

/* v5.7 fs/pipe.c generic_pipe_buf_get(): `return try_get_page(buf->page);` */
static inline bool generic_pipe_buf_get(struct pipe_inode_info *pipe, struct pipe_buffer *buf)
{
	return try_get_page(buf->page);
}

/* v5.7 fs/pipe.c generic_pipe_buf_get(), under the name scenarios use to compare variants */
static inline bool generic_pipe_buf_get_v57(struct pipe_inode_info *pipe, struct pipe_buffer *buf)
{
	return generic_pipe_buf_get(pipe, buf);
}

/*
 * The variant described in docs/protocol.md (not the posted patch): take the new
 * reference, then make the page accessible, dropping the reference again if that
 * fails. Covers buffers duplicated by tee(), not the original spliced buffer.
 */
static inline bool generic_pipe_buf_get_hooked(struct pipe_inode_info *pipe, struct pipe_buffer *buf) /* Not a kernel function: the hooked variant of generic_pipe_buf_get (comment above) */
{
	struct page *page = buf->page;
	if (!try_get_page(page))
		return false;
	if (arch_make_page_accessible(page) != 0) {
		put_page(page);
		return false;
	}
	return true;
}

/*
 * v5.7 fs/pipe.c tee's buffer duplication (fs/splice.c link_pipe): take a new
 * reference with ->get, then copy the buffer into the output pipe.
 */
static inline bool link_pipe_buffer(struct pipe_inode_info *pipe, struct pipe_buffer *ibuf, struct pipe_buffer *obuf)
{
	if (!generic_pipe_buf_get(pipe, ibuf))
		return false;
	obuf->page = ibuf->page;
	return true;
}

static inline bool link_pipe_buffer_hooked(struct pipe_inode_info *pipe, struct pipe_buffer *ibuf, struct pipe_buffer *obuf) /* Not a kernel function: link_pipe_buffer with generic_pipe_buf_get_hooked */
{
	if (!generic_pipe_buf_get_hooked(pipe, ibuf))
		return false;
	obuf->page = ibuf->page;
	return true;
}

/*
 * v5.7 fs/splice.c page_cache_pipe_buf_confirm(): if the page is not uptodate,
 * lock it and re-check (mapping gone: -ENODATA; read error: -EIO). Simplified: the
 * scenarios' pages are uptodate, so only the PageUptodate test (one step) is kept.
 */
static inline int page_cache_pipe_buf_confirm(struct pipe_inode_info *pipe, struct pipe_buffer *buf)
{
	if (!PageUptodate(buf->page))
		return -EIO;
	return 0;
}

static inline int page_cache_pipe_buf_confirm_v57(struct pipe_inode_info *pipe, struct pipe_buffer *buf) /* v5.7 fs/splice.c page_cache_pipe_buf_confirm(), under the name scenarios use to compare variants */
{
	return page_cache_pipe_buf_confirm(pipe, buf);
}

/* The 2020 patch (v1/v2): arch_make_page_accessible first, -EIO if it fails. */
static inline int page_cache_pipe_buf_confirm_patched(struct pipe_inode_info *pipe, struct pipe_buffer *buf) /* Not a kernel function: the 2020 patch's page_cache_pipe_buf_confirm (v5.7 fs/splice.c) */
{
	if (arch_make_page_accessible(buf->page) != 0)
		return -EIO;
	return page_cache_pipe_buf_confirm(pipe, buf);
}

/* v5.7 fs/splice.c page_cache_pipe_buf_release(): put_page(buf->page), slot emptied */
static inline void page_cache_pipe_buf_release(struct pipe_inode_info *pipe, struct pipe_buffer *buf)
{
	struct page *page = buf->page;
	buf->page = NULL;
	put_page(page);
}

/*
 * Zero-copy consumer of a pipe buffer (sendfile/splice to a device, e.g. through
 * a socket's ->sendpage or a block device): confirm the buffer, let the device
 * transfer the page, release the buffer. `patched` selects the 2020 confirm.
 */
static inline int splice_buffer_to_device(struct pipe_inode_info *pipe, struct pipe_buffer *buf, bool patched) /* Not a kernel function: a zero-copy consumer (comment above) */
{
	int err;
	if (patched)
		err = page_cache_pipe_buf_confirm_patched(pipe, buf);
	else
		err = page_cache_pipe_buf_confirm_v57(pipe, buf);
	if (err == 0) {
		struct page *page = buf->page;
		io_start(page);
		io_end(page);
	}
	page_cache_pipe_buf_release(pipe, buf);
	return err;
}

#endif

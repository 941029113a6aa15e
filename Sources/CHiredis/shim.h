#ifndef NM_CHIREDIS_SHIM_H
#define NM_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>

/* redisGetReply plus the errno it left behind, read before Swift code can
   clobber it: EAGAIN after a failed read means SO_RCVTIMEO expired. */
static inline int nm_redis_get_reply(redisContext *c, void **reply, int *err_no) {
    errno = 0;
    int rc = redisGetReply(c, reply);
    *err_no = errno;
    return rc;
}

/* 1 when the idle socket is readable (peer closed it, or sent bytes nobody asked
   for): either way the reply stream can no longer be trusted. */
static inline int nm_socket_has_pending_input(int fd) {
    struct pollfd p = { .fd = fd, .events = POLLIN, .revents = 0 };
    int rc = poll(&p, 1, 0);
    return rc > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR)) != 0;
}

static inline void nm_ignore_sigpipe(void) {
    signal(SIGPIPE, SIG_IGN);
}
#endif

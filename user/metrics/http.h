/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llctl metrics' HTTP side (libmicrohttpd, its own polling thread):
 * GET or HEAD /metrics answers the text last published, 200 with the
 * exposition's Content-Type; any other path 404, any other method 405
 * (with Allow: GET, HEAD).
 */
#ifndef LLCTL_METRICS_HTTP_H
#define LLCTL_METRICS_HTTP_H

#include <stddef.h>
#include <sys/socket.h>

#define MET_DEFAULT_LISTEN	"127.0.0.1:9464"

/*
 * "ADDR:PORT" or "[V6ADDR]:PORT" (numeric addresses; PORT 0 for any free
 * port) into @ss: 0, or -1 after saying what is accepted.
 */
int met_parse_listen(const char *s, struct sockaddr_storage *ss,
		     socklen_t *len);

struct met_http;

/*
 * Listens on @listen and serves from a thread of libmicrohttpd's; says
 * where on stderr. NULL after saying why.
 */
struct met_http *met_http_start(const char *listen);
/* The port it listens on (the one chosen for port 0). */
int met_http_port(const struct met_http *h);
/* The text scrapes get from now on: @text (malloc'ed) is taken over. */
void met_http_publish(struct met_http *h, char *text, size_t len);
void met_http_stop(struct met_http *h);

#endif /* LLCTL_METRICS_HTTP_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * The exporter's HTTP server. The collector publishes a whole rendered
 * text; a scrape copies the latest one under the lock, so it never waits
 * for the counters and never sees half a collection.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

#include "lib/util.h"
#include "metrics/expo.h"
#include "metrics/http.h"

struct met_http {
	struct MHD_Daemon *d;
	pthread_mutex_t lock;
	char *text;		/* the latest collection */
	size_t len;
	int port;		/* as bound */
};

int met_parse_listen(const char *s, struct sockaddr_storage *ss,
		     socklen_t *len)
{
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	char addr[INET6_ADDRSTRLEN + 1];
	const char *colon, *host = s;
	size_t hlen;
	unsigned long port;
	char *end;

	if (s[0] == '[') {
		colon = strstr(s, "]:");
		host = s + 1;
		hlen = colon ? (size_t)(colon - host) : 0;
		colon = colon ? colon + 1 : NULL;
	} else {
		colon = strrchr(s, ':');
		hlen = colon ? (size_t)(colon - s) : 0;
	}
	if (!colon || !hlen || hlen >= sizeof(addr))
		goto bad;
	memcpy(addr, host, hlen);
	addr[hlen] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (!isdigit((unsigned char)colon[1]) || errno || *end || port > 65535)
		goto bad;
	memset(ss, 0, sizeof(*ss));
	if (s[0] != '[' && inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(port);
		*len = sizeof(*v4);
		return 0;
	}
	if (s[0] == '[' && inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(port);
		*len = sizeof(*v6);
		return 0;
	}
bad:
	llctl_err("Unable to listen on '%s': give ADDR:PORT or [IPV6]:PORT with a numeric address and a port from 0 to 65535 (default %s)",
		  s, MET_DEFAULT_LISTEN);
	return -1;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status,
			     const char *type, char *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result error_reply(struct MHD_Connection *c,
				   unsigned int status, const char *msg)
{
	char *body = strdup(msg);

	return body ? reply(c, status, "text/plain; charset=utf-8", body,
			    strlen(body)) : MHD_NO;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *upload,
			      size_t *upload_len, void **req_cls)
{
	struct met_http *h = cls;
	char *body;
	size_t len;

	(void)version;
	(void)upload;
	(void)upload_len;
	(void)req_cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return error_reply(c, MHD_HTTP_METHOD_NOT_ALLOWED,
				   "Method not allowed: GET /metrics\n");
	if (strcmp(url, "/metrics"))
		return error_reply(c, MHD_HTTP_NOT_FOUND,
				   "Not found: llctl metrics serves /metrics\n");
	pthread_mutex_lock(&h->lock);
	len = h->len;
	body = malloc(len + 1);
	if (body)
		memcpy(body, h->text ? h->text : "", len);
	pthread_mutex_unlock(&h->lock);
	if (!body)
		return MHD_NO;
	return reply(c, MHD_HTTP_OK, MET_EXPO_CONTENT_TYPE, body, len);
}

/* Our own listening socket: bind errors are ours to word. */
static int listen_on(const char *spec, const struct sockaddr_storage *ss,
		     socklen_t len, int *port)
{
	int fd, one = 1;
	char where[INET6_ADDRSTRLEN + 16], addr[INET6_ADDRSTRLEN];
	struct sockaddr_storage got;
	socklen_t glen = sizeof(got);

	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)ss, len) || listen(fd, 64) ||
	    getsockname(fd, (struct sockaddr *)&got, &glen))
		goto fail;
	if (got.ss_family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&got;

		inet_ntop(AF_INET6, &a->sin6_addr, addr, sizeof(addr));
		*port = ntohs(a->sin6_port);
		snprintf(where, sizeof(where), "[%s]:%d", addr, *port);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&got;

		inet_ntop(AF_INET, &a->sin_addr, addr, sizeof(addr));
		*port = ntohs(a->sin_port);
		snprintf(where, sizeof(where), "%s:%d", addr, *port);
	}
	fprintf(stderr, "llctl metrics: serving http://%s/metrics\n", where);
	return fd;
fail:
	llctl_err("Unable to listen on '%s': %s%s", spec, strerror(errno),
		  errno == EADDRINUSE ? " (choose another port with --listen ADDR:PORT)" : "");
	if (fd >= 0)
		close(fd);
	return -1;
}

struct met_http *met_http_start(const char *spec)
{
	struct met_http *h = calloc(1, sizeof(*h));
	struct sockaddr_storage ss;
	unsigned int flags;
	socklen_t len;
	int fd;

	if (!h || met_parse_listen(spec, &ss, &len)) {
		free(h);
		return NULL;
	}
	fd = listen_on(spec, &ss, len, &h->port);
	if (fd < 0) {
		free(h);
		return NULL;
	}
	pthread_mutex_init(&h->lock, NULL);
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	h->d = MHD_start_daemon(flags, 0, NULL, NULL, handle, h,
				MHD_OPTION_LISTEN_SOCKET, fd,
				MHD_OPTION_CONNECTION_TIMEOUT, 10u,
				MHD_OPTION_CONNECTION_LIMIT, 64u,
				MHD_OPTION_END);
	if (!h->d) {
		llctl_err("Unable to start the HTTP server on '%s': libmicrohttpd refused (see above)",
			  spec);
		close(fd);
		pthread_mutex_destroy(&h->lock);
		free(h);
		return NULL;
	}
	return h;
}

int met_http_port(const struct met_http *h)
{
	return h->port;
}

void met_http_publish(struct met_http *h, char *text, size_t len)
{
	char *old;

	pthread_mutex_lock(&h->lock);
	old = h->text;
	h->text = text;
	h->len = len;
	pthread_mutex_unlock(&h->lock);
	free(old);
}

void met_http_stop(struct met_http *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->d);	/* joins its thread, closes the socket */
	pthread_mutex_destroy(&h->lock);
	free(h->text);
	free(h);
}

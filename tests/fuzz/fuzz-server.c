/* fuzz-server.c: the embedded flag server, raw bytes on a real connection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One server for the whole run, on its own thread as the app and the CLI run it, with
 * every kind of fault but delays (errors, always-failing codes, drops, truncations). Each
 * input is written to a new connection, which is then half-closed; the server must answer
 * what it can and close the connection within seconds (HTTP/1.1 keep-alive ends at the
 * client's end of file). A crash or a sanitizer report on the server's thread ends the run
 * like one on this thread.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "futures-lab-server.h"

/* Generous: a loaded machine and the slow unwinder make a first request take seconds. */
#define CLOSE_WITHIN_US (15 * G_USEC_PER_SEC)

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

static FlFlagServer *server;
static guint port;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(FlFaultConfig) config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
  g_autoptr(GError) error = NULL;

  config->error_rate = 0.2;
  config->drop_rate = 0.1;
  config->truncate_rate = 0.1;
  config->fail_codes = g_strsplit ("fr", " ", -1);
  config->seed = 7;
  server = fl_flag_server_new (config);
  /* libsoup 3.2.3 sometimes leaves a connection the client half-closed in CLOSE-WAIT; the
   * server's idle timeout closes it (fl-flag-server.c). A short one keeps each such input
   * short; past it, plus the margin below, an open connection is a finding. */
  fl_flag_server_set_limits (server, 1000, 0);
  if (!fl_flag_server_start (server, &error))
    {
      fprintf (stderr, "fuzz-server: %s\n", error->message);
      exit (1);
    }
  port = fl_flag_server_get_port (server);
  return 0;
}

static int
connect_to_server (void)
{
  struct sockaddr_in addr = { 0 };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  addr.sin_family = AF_INET;
  addr.sin_port = htons (port);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) != 0)
    {
      int error = errno;

      /* libFuzzer's timer (SIGALRM, for -timeout) can interrupt the call; the connection
       * then goes on without us (connect(2)): wait for it and read how it ended. */
      if (error == EINTR)
        {
          struct pollfd pfd = { fd, POLLOUT, 0 };
          socklen_t len = sizeof error;

          while (poll (&pfd, 1, -1) < 0 && errno == EINTR)
            ;
          if (getsockopt (fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0)
            error = errno;
        }
      if (error != 0)
        {
          fprintf (stderr, "fuzz-server: connect: %s\n", g_strerror (error));
          abort ();
        }
    }
  return fd;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  int fd = connect_to_server ();
  gint64 deadline = g_get_monotonic_time () + CLOSE_WITHIN_US;
  gsize sent = 0;
  char buffer[16384];

  /* The server may answer, or close, before it has read everything: a reset or a
   * broken pipe on our side is fine. */
  while (sent < size)
    {
      ssize_t n = send (fd, data + sent, size - sent, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      sent += n;
    }
  shutdown (fd, SHUT_WR);

  for (;;)
    {
      gint64 left = deadline - g_get_monotonic_time ();
      struct pollfd pfd = { fd, POLLIN, 0 };
      ssize_t n;

      if (left <= 0)
        {
          fprintf (stderr, "fuzz-server: the connection is still open %d s after the "
                   "client's end of file\n", (int) (CLOSE_WITHIN_US / G_USEC_PER_SEC));
          abort ();
        }
      if (poll (&pfd, 1, (int) (left / 1000) + 1) <= 0)
        continue;
      n = recv (fd, buffer, sizeof buffer, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
    }
  close (fd);
  return 0;
}

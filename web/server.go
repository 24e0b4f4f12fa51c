// Package web is dondoc's HTTP server: health and metrics, and the mount
// point for the Telegram webhook, the ingest API and the public report
// pages, which their own packages provide as http.Handlers.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Server is the HTTP server. Handlers are mounted before Run.
type Server struct {
	mux  *http.ServeMux
	addr string
	log  *slog.Logger
	srv  *http.Server
	ln   net.Listener
}

// Options configure a Server.
type Options struct {
	Addr     string               // listen address, e.g. ":8080"
	Logger   *slog.Logger         // nil: slog.Default()
	Registry *prometheus.Registry // metrics served at /metrics; nil: none
	// Ready reports whether the service can serve (database reachable);
	// nil: always ready.
	Ready func(ctx context.Context) error
	// ReadyInfo, when set, adds lines to a ready /readyz answer (which
	// replica this is and whether it leads).
	ReadyInfo func() string
}

// New returns a server with /healthz, /readyz and /metrics mounted.
func New(opt Options) *Server {
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	s := &Server{mux: http.NewServeMux(), addr: opt.Addr, log: opt.Logger}
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	s.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if opt.Ready != nil {
			ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
			defer cancel()
			if err := opt.Ready(ctx); err != nil {
				s.log.Warn("web: not ready", "err", err)
				http.Error(w, "not ready", http.StatusServiceUnavailable)
				return
			}
		}
		_, _ = w.Write([]byte("ready\n"))
		if opt.ReadyInfo != nil {
			_, _ = w.Write([]byte(opt.ReadyInfo()))
		}
	})
	if opt.Registry != nil {
		s.mux.Handle("GET /metrics", promhttp.HandlerFor(opt.Registry, promhttp.HandlerOpts{Registry: opt.Registry}))
	}
	return s
}

// Handle mounts h at pattern (net/http ServeMux patterns, e.g.
// "POST /api/v1/import/{kind}").
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// Handler returns the server's root handler (for tests with httptest).
func (s *Server) Handler() http.Handler { return recoverer(s.log, s.mux) }

// Listen binds the address; Addr then reports the bound address.
func (s *Server) Listen() error {
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return err
	}
	s.ln = ln
	return nil
}

// Addr returns the bound address (after Listen).
func (s *Server) Addr() string {
	if s.ln == nil {
		return s.addr
	}
	return s.ln.Addr().String()
}

// Run serves until ctx is done, then shuts down gracefully.
func (s *Server) Run(ctx context.Context) error {
	if s.ln == nil {
		if err := s.Listen(); err != nil {
			return err
		}
	}
	s.srv = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute, // imports may be large
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.ln) }()
	s.log.Info("web: listening", "addr", s.Addr())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err := s.srv.Shutdown(shut)
	if e := <-errc; e != nil && !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}

// recoverer turns a handler panic into a 500 and a log line, never a crash.
func recoverer(log *slog.Logger, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("web: handler panic", "path", r.URL.Path, "panic", v)
				http.Error(w, "lỗi hệ thống, vui lòng thử lại sau", http.StatusInternalServerError)
			}
		}()
		h.ServeHTTP(w, r)
	})
}

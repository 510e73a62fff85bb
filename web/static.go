// Package web is Juece's HTML adapter: the server-rendered staff workspace
// and public portal. This file holds only the embedded static assets; the
// pages and their handlers are added separately.
package web

import "embed"

// Static holds the embedded static assets, rooted at "static" (for example
// "static/vendor/htmx.min.js"). They are served under /static/, so a file
// at static/X is at the URL /static/X; use fs.Sub(Static, "static") to strip
// the prefix. Vendored third-party files live in static/vendor/, each
// recorded in static/vendor/VENDOR.md and refreshed with `make assets`;
// nothing is loaded from a CDN.
//
//go:embed static
var Static embed.FS

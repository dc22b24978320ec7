// Command go-slug-list packs a directory with go-slug (as go-tfe's upload does:
// ignore rules on, dereference on) and prints one JSON line per tar entry, so
// the parity test can compare go-slug's archive with ours entry by entry.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"

	slug "github.com/hashicorp/go-slug"
)

type entry struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Size     int64  `json:"size"`
	Mode     int64  `json:"mode"`
	Linkname string `json:"linkname"`
	Sha256   string `json:"sha256"`
}

func main() {
	// "-pack <dir> <file>" only writes the archive (for the benchmark's timing).
	if len(os.Args) == 4 && os.Args[1] == "-pack" {
		f, err := os.Create(os.Args[3])
		if err == nil {
			_, err = slug.Pack(os.Args[2], f, true)
		}
		if err == nil {
			err = f.Close()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "pack error:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go-slug-list <directory> | go-slug-list -pack <directory> <file>")
		os.Exit(2)
	}
	var buf bytes.Buffer
	if _, err := slug.Pack(os.Args[1], &buf, true); err != nil {
		fmt.Fprintln(os.Stderr, "pack error:", err)
		os.Exit(1)
	}
	zr, err := gzip.NewReader(&buf)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gzip error:", err)
		os.Exit(1)
	}
	tr := tar.NewReader(zr)
	out := json.NewEncoder(os.Stdout)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "tar error:", err)
			os.Exit(1)
		}
		h := sha256.New()
		if _, err := io.Copy(h, tr); err != nil {
			fmt.Fprintln(os.Stderr, "read error:", err)
			os.Exit(1)
		}
		e := entry{Name: hdr.Name, Type: string(rune(hdr.Typeflag)), Size: hdr.Size, Mode: hdr.Mode, Linkname: hdr.Linkname, Sha256: hex.EncodeToString(h.Sum(nil))}
		if err := out.Encode(e); err != nil {
			os.Exit(1)
		}
	}
}

package mailboxtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

var unique atomic.Uint64

// memory is the process's one in-memory server: started on first use, it
// lives as long as the test binary (each test has users of its own).
var memory = sync.OnceValues(startMemory)

// Memory is go-imap's in-memory IMAP server (imapmemserver) on loopback,
// with implicit TLS on one port and STARTTLS on another and a CA of its own,
// as Dovecot has: LOGIN is refused before TLS.
func Memory(t testing.TB) *Server {
	t.Helper()
	s, err := memory()
	if err != nil {
		t.Fatalf("start the in-memory IMAP server: %v", err)
	}
	return s
}

func startMemory() (*Server, error) {
	caPEM, cert, pool, err := newCertificates()
	if err != nil {
		return nil, err
	}
	mem := imapmemserver.New()
	tlsConfig := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		TLSConfig: tlsConfig, // STARTTLS on the plain port
		Caps:      imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		Logger:    log.New(io.Discard, "", 0), // a client that hangs up is not news
	})
	plain, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	implicit, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		plain.Close()
		return nil, err
	}
	go srv.Serve(plain)
	go srv.Serve(tls.NewListener(implicit, tlsConfig))
	return &Server{
		Name: "memory", Host: "127.0.0.1",
		TLSPort: implicit.Addr().(*net.TCPAddr).Port, StartTLSPort: plain.Addr().(*net.TCPAddr).Port,
		RootCAs: pool, ServerName: "imap.announce.test", caPEM: caPEM,
		newUser: func(_ testing.TB, addr string) (string, string) {
			pw := fmt.Sprintf("pw-%d-%s", unique.Add(1), rand.Text())
			u := imapmemserver.NewUser(addr, pw)
			u.Create("INBOX", nil)
			mem.AddUser(u)
			return addr, pw
		},
	}, nil
}

// newCertificates makes a CA and a server certificate it signs for
// imap.announce.test, localhost and 127.0.0.1.
func newCertificates() (caPEM []byte, cert tls.Certificate, pool *x509.CertPool, err error) {
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, cert, nil, err
	}
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "announce test IMAP CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, cert, nil, err
	}
	ca, err = x509.ParseCertificate(caDER)
	if err != nil {
		return nil, cert, nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, cert, nil, err
	}
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "imap.announce.test"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		DNSNames: []string{"imap.announce.test", "localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, cert, nil, err
	}
	pool = x509.NewCertPool()
	pool.AddCert(ca)
	cert = tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), cert, pool, nil
}

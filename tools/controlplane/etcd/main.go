// Command etcd is the upstream etcd server command (same flags), built from the
// go.etcd.io/etcd/server/v3 module at the version kube-apiserver itself requires,
// so the pair is the one Kubernetes tests together. Debian's etcd 3.4.23 is too old.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }

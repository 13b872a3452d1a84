// flux-envsubst: the test oracle for post-build substitution. It runs the library
// kustomize-controller runs (github.com/fluxcd/pkg/envsubst), in Flux's non-strict mode
// (an unset variable is empty). Usage: flux-envsubst VARS.json < TEXT; prints the result,
// or "error: <message>" with exit code 1.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/fluxcd/pkg/envsubst"
)

func main() {
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	vars := map[string]string{}
	if err := json.Unmarshal(raw, &vars); err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	text, _ := io.ReadAll(os.Stdin)
	out, err := envsubst.Eval(string(text), func(s string) (string, bool) { return vars[s], true })
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Print(out)
}

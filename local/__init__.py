"""What runs only on this machine, never in AWS: the Zendesk sandbox, the sandbox social
platforms, the embedded AWS (moto server), the queue and schedule runners that stand in for Lambda's
event sources, the HTTP API adapter, and LocalProduct, which wires them to the real handlers for
`triage local`, `make demo`, the benchmarks and the end-to-end tests. The Lambda artifact ships
policies, integrations, infra and functions only (tests/deploy checks it)."""

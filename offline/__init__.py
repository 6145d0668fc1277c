"""The offline plan: the real program under Pulumi's mock engine, recorded as a graph."""

"""TypeScript/JavaScript analysis for Edge Functions: tree-sitter parsing and a function model."""

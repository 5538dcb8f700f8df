"""The register's exports: CSV for the city's systems, XLSX with native charts, the public
disclosure list (信息公示) and the statistics PDF for the commission's leadership."""

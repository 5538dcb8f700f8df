"""Developer and support tools built on the domain code: demo data, the newcomer sample and
the installation self-test. Nothing in `assessor.core` may import them."""

"""The AI layer: a model writes prose, never code, into slots the engine controls.

Off unless ``devfocus.ai.provider`` names a provider. The official SDKs (``anthropic``,
``openai``) are imported only when a request is first made, on a worker thread: a server or a
command that asks no model never loads them. :mod:`devfocus.ai.exchange` holds the plain data every
part shares; :mod:`devfocus.ai.client` asks the provider within the configured limits.
"""

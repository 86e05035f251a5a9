"""collection — staff keep the collection: accounts and tokens, uploads and their previews,
publishing into a managed folder, internal marks, withdrawal to an archive, the audit log.

Everything is written here and read by web/ and cli/, which only wire it. Parsing an upload
and updating the index happen in the keeper process (collection.keeper), never in a request.
"""

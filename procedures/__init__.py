"""The procedure catalogue: procedure pages and their index, fields of
activity, required documents, QR codes, posters and the import of the
national procedure database's export. (Built by the procedure catalogue issue.)"""

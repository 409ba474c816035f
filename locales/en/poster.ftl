# /poster: the printable poster of a neighbourhood's joining link (QR code).

# On the poster itself (in the deployment's default language, whatever the manager's).
poster-brand = Mahalleyar
poster-call = Join "{$name}" on Mahalleyar and send your requests and ideas to the neighbourhood council.
poster-hint = Scan the code with your phone's camera, or open the link below

poster-button = 🖨 QR poster to print
poster-caption =
    The joining poster of "{$name}", ready to print (A5). Residents join by scanning the code or opening this link:
    {$link}
poster-not-manager = Only the neighbourhood manager can get the neighbourhood's joining poster.

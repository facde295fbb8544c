package mailer

import "mime"

type mimeDecoder = mime.WordDecoder

"""What a render leaves on disk: the one streamed encode, tags, chapters, captions, the
manifest, the rundown page and the files written safely."""

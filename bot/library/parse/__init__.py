"""Story parsing: bytes + file name -> ParsedStory."""

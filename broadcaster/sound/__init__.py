"""The programme's sound: parts stitched, BS.1770 loudness and the limiter, stings and beds."""

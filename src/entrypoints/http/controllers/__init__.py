"""One Litestar ``Controller`` per resource; ``entrypoints.http.app.CONTROLLERS`` lists them."""

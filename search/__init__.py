"""The public search page and (with the search issue) autocomplete, Vietnamese
text folding and the search backend's analysis set-up."""

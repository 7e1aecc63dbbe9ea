"""Statement of Interest pages, by audience: applicants, section editing, DOJ staff."""

"""Who may see the operations page: program admins (operations.view_operations)."""


def can_see_operations(user) -> bool:
    return user.is_authenticated and user.has_perm("operations.view_operations")

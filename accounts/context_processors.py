from .navigation import menu_for, navigation_for


def navigation(request):
    return {
        "nav_items": navigation_for(request.user),
        "nav_menu": menu_for(request.user, request.path),
    }

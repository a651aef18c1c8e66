using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Wirewatch.WebConsole.Access;

namespace Wirewatch.WebConsole.Pages;

/// <summary>Exchanges a console token for a cookie (HttpOnly, SameSite=Strict); the token itself is never stored in the cookie.</summary>
public sealed class LoginModel(ConsoleTokens tokens) : PageModel
{
    [BindProperty] public string? Token { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public string? Problem { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var role = tokens.RoleOf(Token?.Trim());
        if (role is null)
        {
            Problem = "That is not a console token.";
            return Page();
        }

        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            TokenAuthenticationHandler.PrincipalFor(role, CookieAuthenticationDefaults.AuthenticationScheme));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }

    public async Task<IActionResult> OnPostSignOutAsync()
    {
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return LocalRedirect("/login");
    }
}

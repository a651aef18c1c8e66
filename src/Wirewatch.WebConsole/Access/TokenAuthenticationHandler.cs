using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Wirewatch.WebConsole.Access;

/// <summary><c>Authorization: Bearer &lt;token&gt;</c>: the API's way in (the pages sign in once with the token and keep a cookie).</summary>
public sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ConsoleTokens tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ConsoleToken";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var role = tokens.RoleOf(header["Bearer ".Length..].Trim());
        return Task.FromResult(role is null
            ? AuthenticateResult.Fail("The bearer token is not a console token.")
            : AuthenticateResult.Success(new AuthenticationTicket(PrincipalFor(role, SchemeName), SchemeName)));
    }

    public static ClaimsPrincipal PrincipalFor(string role, string scheme) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, role), new Claim(ClaimTypes.Role, role)], scheme));
}

using MassTransit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wirewatch.Alerting;
using Wirewatch.ArticleStore;
using Wirewatch.WebConsole.Access;
using Wirewatch.WebConsole.Api;
using Wirewatch.WebConsole.Queues;
using Wirewatch.WebConsole.Recording;

namespace Wirewatch.WebConsole;

public static class ConsoleRegistration
{
    public const string SubscriberPolicy = "console-subscriber";
    public const string OperatorPolicy = "console-operator";

    /// <summary>Operators calling the API with their bearer token: never the cookie, so a cross-site POST cannot act for them.</summary>
    public const string OperatorApiPolicy = "console-operator-api";
    private const string SelectorScheme = "ConsoleAccess";

    /// <summary>
    /// The console's options (<c>Wirewatch:Console</c>), the backtest and, with <paramref name="prune"/>, the retention
    /// pruner; the <see cref="IArticleStore"/> comes from the state seam (Wirewatch.State).
    /// </summary>
    public static IServiceCollection AddConsoleStore(this IServiceCollection services, IConfiguration configuration, bool prune)
    {
        services.AddOptions<ConsoleOptions>().Bind(configuration.GetSection(ConsoleOptions.Section))
            .Validate(o => o.Retention > TimeSpan.Zero, "Wirewatch:Console:Retention must be positive.")
            .Validate(o => o.PruneInterval > TimeSpan.Zero, "Wirewatch:Console:PruneInterval must be positive.")
            .Validate(o => o.NearMissMargin is >= 0 and <= 1, "Wirewatch:Console:NearMissMargin must be between 0 and 1.")
            .ValidateOnStart();
        services.TryAddSingleton<SubscriptionMatcher>();
        services.TryAddSingleton<SubscriptionBacktest>();
        if (prune)
        {
            services.AddHostedService<RetentionPruner>();
        }

        return services;
    }

    public static IBusRegistrationConfigurator AddConsoleRecorderConsumer(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<RecordClassifiedConsumer, RecordClassifiedConsumerDefinition>();
        bus.AddConsumer<RecordCleanedConsumer, RecordCleanedConsumerDefinition>();
        bus.AddConsumer<RecordAlertConsumer, RecordAlertConsumerDefinition>();
        return bus;
    }

    /// <summary>
    /// The web console on the worker's Kestrel: Razor Pages, the JSON API and its OpenAPI document, token and cookie
    /// access, anti-forgery and data-protection keys under <paramref name="dataDir"/>.
    /// </summary>
    public static IServiceCollection AddConsoleWeb(this IServiceCollection services, string dataDir)
    {
        services.AddSingleton(sp => ConsoleTokens.Load(sp.GetRequiredService<IOptions<ConsoleOptions>>().Value, dataDir,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<ConsoleTokens>()));
        services.TryAddSingleton<IQueueDepths, NoQueueDepths>();
        services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDir, "console-keys"))).SetApplicationName("wirewatch-console");
        services.AddRazorPages(o =>
            {
                o.Conventions.AuthorizeFolder("/", SubscriberPolicy);
                o.Conventions.AllowAnonymousToPage("/Login");
            })
            .AddApplicationPart(typeof(ConsoleRegistration).Assembly);
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "wirewatch-console-af";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddAuthentication(SelectorScheme)
            .AddPolicyScheme(SelectorScheme, "Bearer token or console cookie", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? TokenAuthenticationHandler.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.Cookie.Name = "wirewatch-console";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = "/login";
                o.AccessDeniedPath = "/login";
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                // The API answers 401/403; only pages redirect to the sign-in form.
                o.Events.OnRedirectToLogin = c => ApiOr(c, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = c => ApiOr(c, StatusCodes.Status403Forbidden);
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(SubscriberPolicy, p => p.RequireRole(ConsoleTokens.SubscriberRole, ConsoleTokens.OperatorRole))
            .AddPolicy(OperatorPolicy, p => p.RequireRole(ConsoleTokens.OperatorRole))
            .AddPolicy(OperatorApiPolicy, p => p.AddAuthenticationSchemes(TokenAuthenticationHandler.SchemeName).RequireRole(ConsoleTokens.OperatorRole));
        services.AddOpenApi("console");
        return services;
    }

    private static Task ApiOr(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }

        return Task.CompletedTask;
    }

    /// <summary>Security headers on every response, then pages, API (<c>/api/*</c>), OpenAPI (<c>/openapi/console.json</c>) and the stylesheet.</summary>
    public static WebApplication MapWirewatchConsole(this WebApplication app)
    {
        // Read (or generate) the tokens now: a missing or short token file stops the start with a message naming the key.
        app.Services.GetRequiredService<ConsoleTokens>();
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            // No script at all; styles only from our own stylesheet; forms post only to us; never framed.
            headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            return next(context);
        });
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapRazorPages();
        app.MapConsoleApi();
        app.MapOpenApi("/openapi/{documentName}.json").RequireAuthorization(SubscriberPolicy);
        app.MapGet("/console.css", () => Results.Text(ConsoleStyles.Css, "text/css; charset=utf-8")).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}

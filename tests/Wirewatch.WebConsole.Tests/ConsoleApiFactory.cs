using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;
using Wirewatch.Worker.Cli;

namespace Wirewatch.WebConsole.Tests;

/// <summary>
/// WebApplicationFactory over the worker exactly as <c>wirewatch run --config FILE</c> builds it (RunCommand.Build), served
/// from an in-memory TestServer. The worker's entry point is the whole CLI and reads its configuration while it builds,
/// so the factory does not run it: it builds the same application with the test's settings file.
/// </summary>
internal sealed class ConsoleApiFactory(string configFile) : WebApplicationFactory<Program>
{
    // Never built: CreateHost builds the worker itself.
    protected override IHostBuilder CreateHostBuilder() => new HostBuilder();

    protected override IHost CreateHost(IHostBuilder builder)
    {
        var app = RunCommand.Build(configFile, b => b.WebHost.UseTestServer());
        app.Start();
        return app;
    }

    public HttpClient Client(string? token = null)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }
}

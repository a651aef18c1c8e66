using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Http;
using Wirewatch.Worker.Cli;

namespace Wirewatch.Operations.Tests;

/// <summary><c>wirewatch health</c>, the image's HEALTHCHECK: exit 0 only when /health/ready answers 200.</summary>
public sealed class HealthCommandTests
{
    [Fact]
    public async Task Health_exits_0_when_ready_and_1_when_not_probing_the_port_of_the_configured_Urls()
    {
        var ready = true;
        await using var worker = await LoopbackHttpServer.StartAsync(app =>
            app.MapGet("/health/ready", () => ready ? Results.Text("Healthy") : Results.Text("Unhealthy", statusCode: 503)));
        // As in the image: the worker listens on every interface (`+`); the probe goes to localhost on that port.
        var config = TestPaths.TempFile("settings.json", $$"""{ "Urls": "http://+:{{worker.BaseUri.Port}}" }""");

        var (exit, stdout, _) = await HealthAsync("--config", config);
        exit.ShouldBe(0);
        stdout.ShouldContain("Healthy");

        ready = false;
        var (notReady, _, stderr) = await HealthAsync("--config", config);
        notReady.ShouldBe(1);
        stderr.ShouldContain("503");
    }

    [Fact]
    public async Task Health_exits_1_saying_why_when_nothing_answers()
    {
        int port;
        await using (var gone = await LoopbackHttpServer.StartAsync(_ => { }))
        {
            port = gone.BaseUri.Port;
        }

        var (exit, _, stderr) = await HealthAsync("--url", $"http://127.0.0.1:{port}/health/ready");

        exit.ShouldBe(1);
        stderr.ShouldContain("did not answer");
    }

    [Fact]
    public async Task Health_refuses_a_url_that_is_not_http_with_exit_code_2()
    {
        var (exit, _, stderr) = await HealthAsync("--url", "ftp://localhost/health/ready");

        exit.ShouldBe(2);
        stderr.ShouldContain("--url");
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> HealthAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await WirewatchCli.InvokeAsync(["health", .. args], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}

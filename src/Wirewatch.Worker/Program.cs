using Wirewatch.Worker.Cli;

// Every command, its options and exit codes live in WirewatchCli.
return await WirewatchCli.InvokeAsync(args, Console.Out, Console.Error);

namespace Wirewatch.WebConsole;

/// <summary>The console's only stylesheet, served from <c>/console.css</c> (the CSP allows styles from this origin only).</summary>
internal static class ConsoleStyles
{
    public const string Css = """
        body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d2430; background: #f6f7f9; }
        header { background: #1d2430; color: #fff; padding: .6rem 1.2rem; display: flex; gap: 1.2rem; align-items: center; flex-wrap: wrap; }
        header a { color: #cfe0ff; text-decoration: none; }
        header strong { font-size: 1.1rem; margin-right: 1rem; }
        header .who { margin-left: auto; color: #9fb0c8; font-size: .85rem; }
        main { padding: 1rem 1.2rem; max-width: 70rem; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e1e5ea; vertical-align: top; }
        .topic { display: inline-block; background: #e7eefc; border-radius: 3px; padding: 0 .35rem; margin: 0 .2rem .2rem 0; font-size: .85rem; }
        .topic.matched { background: #cfe8d6; font-weight: 600; }
        mark { background: #fff0a6; }
        .evidence { color: #3c4656; font-size: .9rem; margin: .2rem 0 0 0; padding-left: 1.1rem; }
        .state-delivered { color: #17733a; font-weight: 600; }
        .state-dead-lettered { color: #b3261e; font-weight: 600; }
        .state-in-progress { color: #8a5a00; font-weight: 600; }
        .state-retried { color: #8a5a00; font-weight: 600; }
        .broken { color: #b3261e; font-weight: 600; }
        .muted { color: #6b7686; font-size: .85rem; }
        form.inline { display: inline; }
        input[type=search], input[type=text], input[type=password] { padding: .3rem; min-width: 18rem; }
        textarea { width: 100%; min-height: 14rem; font-family: monospace; }
        .error { color: #b3261e; white-space: pre-wrap; }
        """;
}

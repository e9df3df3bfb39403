.class public Lcom/example/appauditdemo/PasteHelper;
.super Ljava/lang/Object;
.source "PasteHelper.java"

# Reads the clipboard and looks up contacts: app-owned data access.
.method public static lastCopied(Landroid/content/Context;)Ljava/lang/String;
    .registers 8
    const-string v0, "clipboard"
    invoke-virtual {p0, v0}, Landroid/content/Context;->getSystemService(Ljava/lang/String;)Ljava/lang/Object;
    move-result-object v0
    check-cast v0, Landroid/content/ClipboardManager;
    invoke-virtual {v0}, Landroid/content/ClipboardManager;->getPrimaryClip()Landroid/content/ClipData;
    invoke-virtual {p0}, Landroid/content/Context;->getContentResolver()Landroid/content/ContentResolver;
    move-result-object v1
    const-string v2, "content://com.android.contacts/contacts"
    invoke-static {v2}, Landroid/net/Uri;->parse(Ljava/lang/String;)Landroid/net/Uri;
    move-result-object v2
    const/4 v3, 0x0
    move-object v4, v3
    move-object v5, v3
    move-object v6, v3
    invoke-virtual/range {v1 .. v6}, Landroid/content/ContentResolver;->query(Landroid/net/Uri;[Ljava/lang/String;Ljava/lang/String;[Ljava/lang/String;Ljava/lang/String;)Landroid/database/Cursor;
    const-string v0, ""
    return-object v0
.end method

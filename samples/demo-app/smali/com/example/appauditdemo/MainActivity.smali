.class public Lcom/example/appauditdemo/MainActivity;
.super Landroid/app/Activity;
.source "MainActivity.java"

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Activity;-><init>()V
    return-void
.end method

# The app initialises JPush, Umeng and AMap (so those SDKs are "used"),
# never touches Bugly (so Bugly is "present" only), and reads the Android ID
# and the clipboard itself.
.method protected onCreate(Landroid/os/Bundle;)V
    .registers 5
    invoke-super {p0, p1}, Landroid/app/Activity;->onCreate(Landroid/os/Bundle;)V
    invoke-static {p0}, Lcn/jpush/android/api/JPushInterface;->init(Landroid/content/Context;)V
    const-string v0, "5f2b3c4d5e6f708192a3b4c5"
    const-string v1, "demo"
    invoke-static {p0, v0, v1}, Lcom/umeng/commonsdk/UMConfigure;->preInit(Landroid/content/Context;Ljava/lang/String;Ljava/lang/String;)V
    new-instance v0, Lcom/amap/api/location/AMapLocationClient;
    invoke-direct {v0, p0}, Lcom/amap/api/location/AMapLocationClient;-><init>(Landroid/content/Context;)V
    invoke-virtual {v0}, Lcom/amap/api/location/AMapLocationClient;->startLocation()V
    invoke-virtual {p0}, Lcom/example/appauditdemo/MainActivity;->getContentResolver()Landroid/content/ContentResolver;
    move-result-object v0
    const-string v1, "android_id"
    invoke-static {v0, v1}, Landroid/provider/Settings$Secure;->getString(Landroid/content/ContentResolver;Ljava/lang/String;)Ljava/lang/String;
    invoke-static {p0}, Lcom/example/appauditdemo/PasteHelper;->lastCopied(Landroid/content/Context;)Ljava/lang/String;
    return-void
.end method

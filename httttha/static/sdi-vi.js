/* What scripts of the management interface write, in Vietnamese: select2's
   messages (its own are English), for deform's select2 widget and the
   permissions editor. */
window.httttha_select2_language = {
  errorLoading: function () { return 'Không tải được kết quả.'; },
  inputTooLong: function (a) {
    return 'Xin xóa bớt ' + (a.input.length - a.maximum) + ' ký tự';
  },
  inputTooShort: function (a) {
    return 'Xin nhập thêm ' + (a.minimum - a.input.length) + ' ký tự';
  },
  loadingMore: function () { return 'Đang tải thêm…'; },
  maximumSelected: function (a) {
    return 'Chỉ được chọn ' + a.maximum + ' mục';
  },
  noResults: function () { return 'Không tìm thấy'; },
  searching: function () { return 'Đang tìm…'; },
  removeAllItems: function () { return 'Bỏ chọn tất cả'; }
};
